// The one error a selector can raise. It lives in machinery, which may not import apierrors, so the
// HTTP layer turns it into a 400 BadRequest Status whose message is this error's message verbatim
// (kube-apiserver does the same with the parser's error).

export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}
