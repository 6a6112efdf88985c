/**
 * Mutations of real-shaped XML for the fuzz suites: replace a few characters at random places by XML tokens
 * (markup, entities, CDATA, DOCTYPE, odd characters) or by random text.
 */
import fc from 'fast-check';

export const TOKENS = [
    '<',
    '>',
    '/',
    '&',
    '&amp;',
    '&#0;',
    '&#x110000;',
    '&lol;',
    ';',
    '"',
    "'",
    '=',
    ':',
    'xmlns:a="u"',
    '<![CDATA[',
    ']]>',
    '<!--',
    '-->',
    '<?pi?>',
    '<!DOCTYPE x [<!ENTITY e "boom">]>',
    '&e;',
    '\u0000',
    '\uFFFF',
    '\uD800',
    'é',
    '\n',
    '<a>',
    '</a>',
    '<b/>'
];

/** A mutation: replace `remove` characters at `at` by `insert` (a token or random text). */
export const mutation = fc.tuple(
    fc.nat(),
    fc.nat({ max: 8 }),
    fc.oneof(fc.constantFrom(...TOKENS), fc.string())
);

export function mutate(text: string, edits: [number, number, string][]): string {
    let out = text;
    for (const [at, remove, insert] of edits) {
        const p = at % (out.length + 1);
        out = out.slice(0, p) + insert + out.slice(p + remove);
    }
    return out;
}
