// The "may repeat" note. Slack webhooks have no idempotency key: when a post was sent and no answer
// came back, Slack may have posted it. Any later post of the same message carries this note, so a
// reader who sees two copies knows why (help/architecture.md, "Maybe delivered").
import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from './slack-webhook';
import { truncate } from './slack-text';

export const MAY_REPEAT_NOTE =
  '🔁 May repeat: an earlier post of this message got no answer from Slack after it was sent, so it may already be in the channel.';

const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;

/** The message with the note first in its text and, for Block Kit, in its blocks (within Slack's limits). */
export function withRepeatNote(message: SlackMessage): SlackMessage {
  if (message.text.startsWith(MAY_REPEAT_NOTE)) return message;
  const noted: SlackMessage = { ...message, text: `${MAY_REPEAT_NOTE}\n${message.text}` };
  if (!message.blocks || message.blocks.length === 0) return noted;
  const blocks = [...message.blocks];
  const at = blocks[0]?.type === 'header' ? 1 : 0;
  const note: KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `*${MAY_REPEAT_NOTE}*` }] };
  if (blocks.length < MAX_BLOCKS) {
    blocks.splice(at, 0, note);
  } else {
    // No room for a block: the note opens the first section instead.
    const index = blocks.findIndex((block) => block.type === 'section' && block.text !== undefined);
    const section = blocks[index];
    if (section?.type === 'section' && section.text) {
      const text = truncate(`*${MAY_REPEAT_NOTE}*\n${section.text.text}`, MAX_SECTION_TEXT);
      blocks[index] = { ...section, text: { ...section.text, text } };
    }
  }
  return { ...noted, blocks };
}
