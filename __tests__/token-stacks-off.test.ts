// scripts/app-bundle/token-stacks-off.js (installed by the app launcher and the tests' setup): CDKTF's
// token creation stacks are no longer captured, while every Error keeps its stack trace;
// TOKEN_CREATION_STACKS=on keeps the captures.
// That the synthesized stacks do not change is what the stack snapshots show.
import { Lazy } from 'cdktf';
import { restoreTokenCreationStacks, skipTokenCreationStacks } from '../scripts/app-bundle/token-stacks-off';

const creationStack = (): string[] =>
  (Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack;

let undo: () => void;
beforeAll(() => restoreTokenCreationStacks()); // the setup installed it: each test installs its own
afterEach(() => undo());

describe('token creation stacks', () => {
  it('are not captured; errors keep their stack traces', () => {
    undo = skipTokenCreationStacks({});

    expect(creationStack()).toEqual([]);
    expect(new Error('boom').stack).toMatch(/^Error: boom\n\s+at /);
    expect(new TypeError('bad').stack).toMatch(/^TypeError: bad\n\s+at /);
    const target = new Error('captured');
    Error.captureStackTrace(target);
    expect(target.stack).toMatch(/^Error: captured\n\s+at /);
    const plain: { stack?: string } = {};
    Error.captureStackTrace(plain); // no empty stack of its own: captured as before
    expect(plain.stack).toMatch(/\n\s+at /);
  });

  it('are captured with TOKEN_CREATION_STACKS=on', () => {
    undo = skipTokenCreationStacks({ TOKEN_CREATION_STACKS: 'on' });

    expect(creationStack().length).toBeGreaterThan(0);
  });

  it('are captured again after the undo', () => {
    skipTokenCreationStacks({})();
    undo = () => undefined;

    expect(creationStack().length).toBeGreaterThan(0);
  });
});
