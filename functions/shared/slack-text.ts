// Slack mrkdwn text: truncation that never splits a character, escaping of Slack's control
// characters, and code spans that cannot be broken by the text they hold. Shared by every function.

/** Cuts to `max` code points (never inside a surrogate pair), marking the cut with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // code points never outnumber UTF-16 units
  // Walks at most max + 1 code points: a 256 KB record costs no more than a short one.
  let index = 0;
  let cut = 0;
  for (let points = 0; index < text.length; points++) {
    if (points === max - 1) cut = index;
    if (points === max) return `${text.slice(0, cut)}…`;
    index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  }
  return text;
}

/** Slack's three control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text shown as is: truncated, then escaped. */
export function plain(text: string, max: number): string {
  return escapeMrkdwn(truncate(text.trim(), max));
}

/** A ``` block; backticks inside become "ˋ" so the block cannot be closed early. */
export function codeBlock(text: string, max: number): string {
  return `\`\`\`${plain(text, max).replace(/`/g, 'ˋ')}\`\`\``;
}

export function inlineCode(text: string, max: number): string {
  return `\`${plain(text, max).replace(/`/g, 'ˋ')}\``;
}

/**
 * Free text that may use mrkdwn (alarm descriptions with `code` and Korean): kept as written,
 * but an unclosed ``` block is closed and a lone backtick is neutralised, so the rest of the
 * message keeps its formatting even after truncation.
 */
export function mrkdwn(text: string, max: number): string {
  let value = plain(text, max);
  if ((value.split('```').length - 1) % 2 === 1) value += '\n```';
  const singles: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value.startsWith('```', i)) i += 2;
    else if (value[i] === '`') singles.push(i);
  }
  const lone = singles.length % 2 === 1 ? singles[singles.length - 1] : undefined;
  return lone === undefined ? value : `${value.slice(0, lone)}ˋ${value.slice(lone + 1)}`;
}
