// What Slack would show for an incoming-webhook payload, as plain text: the notification text,
// then each Block Kit block and each legacy attachment (colour bar, title, fields, footer). Slack shows
// its three escapes (&amp; &lt; &gt;) as the characters they stand for, and so does this.

type Json = Record<string, unknown>;

const ESCAPED: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
/** What Slack displays for escaped text (one pass: "&amp;lt;" shows as "&lt;"). */
const unescapeSlack = (text: string): string => text.replace(/&(?:amp|lt|gt);/g, (entity) => ESCAPED[entity]!);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (isObject(v) && typeof v.text === 'string' ? v.text : '');
const indent = (text: string, prefix = '  ') =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

function renderBlock(block: Json): string[] {
  switch (block.type) {
    case 'header':
      return [`# ${textOf(block.text)}`];
    case 'divider':
      return ['----'];
    case 'section': {
      const lines = textOf(block.text) ? [textOf(block.text)] : [];
      const fields = Array.isArray(block.fields) ? block.fields.map(textOf) : [];
      if (fields.length > 0) lines.push(fields.join('  |  '));
      return lines;
    }
    case 'context':
      return [(Array.isArray(block.elements) ? block.elements.map(textOf) : []).join('  ')];
    default:
      return [`[${String(block.type)} block]`];
  }
}

function renderAttachment(attachment: Json): string[] {
  const lines: string[] = [];
  if (typeof attachment.title === 'string') lines.push(attachment.title);
  if (typeof attachment.text === 'string') lines.push(attachment.text);
  for (const field of Array.isArray(attachment.fields) ? attachment.fields : []) {
    if (isObject(field)) lines.push(`${String(field.title)}: ${String(field.value)}`);
  }
  if (Array.isArray(attachment.blocks)) lines.push(...attachment.blocks.filter(isObject).flatMap(renderBlock));
  if (typeof attachment.footer === 'string') lines.push(`— ${attachment.footer}`);
  const colour = typeof attachment.color === 'string' ? attachment.color : 'no colour';
  return [`attachment (${colour}):`, ...lines.map((line) => indent(line, '  | '))];
}

/** The payload as Slack would show it; throws when it is not a JSON object (Slack: invalid_payload). */
export function renderSlackMessage(body: string): string {
  const payload: unknown = JSON.parse(body);
  if (!isObject(payload)) throw new Error('the payload is not a JSON object');
  const lines = [`notification text: ${typeof payload.text === 'string' ? payload.text : '(none)'}`];
  const blocks = Array.isArray(payload.blocks) ? payload.blocks.filter(isObject) : [];
  if (blocks.length > 0) lines.push('message:', ...blocks.flatMap(renderBlock).map((line) => indent(line)));
  for (const attachment of Array.isArray(payload.attachments) ? payload.attachments.filter(isObject) : []) {
    lines.push(...renderAttachment(attachment));
  }
  return unescapeSlack(lines.join('\n'));
}
