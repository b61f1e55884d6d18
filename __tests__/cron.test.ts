import { weekdaySet, weeklyCron } from '../shared/weekly-time';

describe('weeklyCron', () => {
  it.each([
    ['09:00', 'MON-FRI', 'cron(0 9 ? * MON-FRI *)'],
    ['18:00', 'MON-FRI', 'cron(0 18 ? * MON-FRI *)'],
    ['00:05', '*', 'cron(5 0 ? * * *)'],
    ['23:59', 'SAT,SUN', 'cron(59 23 ? * SAT,SUN *)'],
    ['07:30', 'MON,WED-FRI', 'cron(30 7 ? * MON,WED-FRI *)'],
  ])('%s %s -> %s (local wall-clock time, never shifted to UTC)', (time, weekdays, expected) => {
    expect(weeklyCron({ time, weekdays })).toBe(expected);
  });

  it.each([
    ['9:00', 'MON-FRI'],
    ['24:00', 'MON-FRI'],
    ['09:60', 'MON-FRI'],
    ['09:00', 'MON-FRIDAY'],
    ['09:00', 'mon-fri'],
    ['09:00', 'MON,'],
    ['09:00', '1-5'],
  ])('rejects %s %s', (time, weekdays) => {
    expect(() => weeklyCron({ time, weekdays })).toThrow(/is not/);
  });
});

describe('weekdaySet', () => {
  it.each([
    ['MON-FRI', [1, 2, 3, 4, 5]],
    ['*', [0, 1, 2, 3, 4, 5, 6]],
    ['SAT,SUN', [0, 6]],
    ['FRI-MON', [0, 1, 5, 6]],
    ['MON,WED-THU', [1, 3, 4]],
  ])('%s', (weekdays, days) => {
    expect([...weekdaySet(weekdays)].sort()).toEqual(days);
  });
});
