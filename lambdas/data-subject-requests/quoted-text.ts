/**
 * Requester text made inert before it reaches a controller's inbox: it cannot pass for the processor's
 * own words, carry working links, or rearrange the notice around it.
 */

/** Characters that change layout or reading order without being visible: line and paragraph separators, bidi controls, zero-width marks. */
const LAYOUT_CONTROLS = /[\u2028\u2029\u0085]/g;
const INVISIBLE = /[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff]/g;
/** A link a mail client would make clickable. */
const LINK = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>"]+/gi;
/** A line made only of symbols (rules, boxes, fake headers' underlines): the notice's own layout uses such lines. */
const SYMBOL_LINE = /^[\s\p{P}\p{S}]{3,}$/u;

export const REMOVED_SYMBOL_LINE = '[line of symbols removed]';

/** One line of text (a name, a field): layout and invisible characters become plain spaces or nothing, links are defanged. */
export function inertLine(text: string): string {
  return defangLinks(text.replace(LAYOUT_CONTROLS, ' ').replace(/[\r\n\t]/g, ' ').replace(INVISIBLE, ''));
}

/** Free text as a quotation: every line prefixed with "> ", links defanged, symbol-only lines replaced, layout characters neutralised. */
export function quotedText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(LAYOUT_CONTROLS, '\n')
    .replace(INVISIBLE, '')
    .split('\n')
    .map((line) => (SYMBOL_LINE.test(line) ? REMOVED_SYMBOL_LINE : defangLinks(line.replace(/\t/g, '    '))))
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

/** `https://evil.example/x` → `hxxps[:]//evil[.]example/x`: readable, not clickable. */
function defangLinks(text: string): string {
  return text.replace(LINK, (link) => link.replace(/^http/i, 'hxxp').replace('://', '[:]//').replace(/\./g, '[.]'));
}
