// JSON.parse's messages quote the text around the error ("Unexpected token 'x', "...secret..." is
// not valid JSON"). A file that is not what it claims to be must not have its bytes printed:
// keep what went wrong and where, drop the quoted text.

/** What went wrong in a JSON.parse call, and at which character, without quoting the input. */
export function describeJsonError(e: unknown): { message: string; offset?: number } {
  const text = e instanceof Error ? e.message : String(e);
  const at = /at position (\d+)/.exec(text);
  const kind = /unexpected end/i.test(text)
    ? 'the text ends early'
    : /unterminated string/i.test(text)
      ? 'a string is not closed'
      : /bad control character/i.test(text)
        ? 'a control character inside a string'
        : /unexpected/i.test(text)
          ? 'an unexpected character'
          : 'a token is missing';
  return at ? { message: `${kind} at character ${at[1]}`, offset: Number(at[1]) } : { message: kind };
}
