// Slack's limits for one incoming-webhook message (Block Kit and legacy attachments): what a posted
// body must stay within. Returns each limit a message breaks, empty when it fits.
const LIMITS = {
  text: 40_000,
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  attachments: 100,
  attachmentText: 3_000,
  attachmentTitle: 300,
  fieldValue: 2_000,
} as const;

interface TextObject {
  text?: string;
}
interface Block {
  type?: string;
  text?: TextObject;
  fields?: TextObject[];
}
interface Attachment {
  title?: string;
  text?: string;
  fields?: { value?: string }[];
}

const over = (what: string, value: string | undefined, max: number) =>
  value !== undefined && [...value].length > max ? [`${what} has ${[...value].length} characters (max ${max})`] : [];

export function slackLimitBreaches(body: unknown): string[] {
  const message = body as { text?: string; blocks?: Block[]; attachments?: Attachment[] };
  const blocks = message.blocks ?? [];
  const attachments = message.attachments ?? [];
  return [
    ...(typeof message.text === 'string' ? [] : ['text (the notification fallback) is missing']),
    ...over('text', message.text, LIMITS.text),
    ...(blocks.length > LIMITS.blocks ? [`${blocks.length} blocks (max ${LIMITS.blocks})`] : []),
    ...blocks.flatMap((block, i) => [
      ...over(
        `blocks[${i}] ${block.type}`,
        block.text?.text,
        block.type === 'header' ? LIMITS.headerText : LIMITS.sectionText,
      ),
      ...(block.fields ?? []).flatMap((f, j) => over(`blocks[${i}].fields[${j}]`, f.text, LIMITS.fieldValue)),
    ]),
    ...(attachments.length > LIMITS.attachments
      ? [`${attachments.length} attachments (max ${LIMITS.attachments})`]
      : []),
    ...attachments.flatMap((a, i) => [
      ...over(`attachments[${i}].title`, a.title, LIMITS.attachmentTitle),
      ...over(`attachments[${i}].text`, a.text, LIMITS.attachmentText),
      ...(a.fields ?? []).flatMap((f, j) => over(`attachments[${i}].fields[${j}]`, f.value, LIMITS.fieldValue)),
    ]),
  ];
}
