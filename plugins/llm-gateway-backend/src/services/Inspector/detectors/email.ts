import { Detection, Detector } from './types';

const LOCAL_CHAR = /[\p{L}\p{N}._%+'-]/u;
// Sticky: tried exactly at the character after '@'.
const DOMAIN =
  /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}_-])/uy;

/**
 * Email addresses. Scans from each '@' outwards, so a long run of word
 * characters costs one pass (a left-anchored regex would be quadratic).
 * URL user-info (`postgres://user:pw@host`, `ssh://git@host`) and git
 * remotes (`git@github.com:org/repo`) are not personal addresses.
 */
export function createEmailDetector(): Detector {
  return {
    type: 'EMAIL',
    detect(text) {
      const found: Detection[] = [];
      let at = text.indexOf('@');
      while (at !== -1) {
        let start = at;
        while (
          start > 0 &&
          at - start < 64 &&
          LOCAL_CHAR.test(text[start - 1])
        ) {
          start--;
        }
        while (start < at && text[start] === '.') start++;
        DOMAIN.lastIndex = at + 1;
        const domain = start < at ? DOMAIN.exec(text) : null;
        if (domain) {
          const end = at + 1 + domain[0].length;
          // `scheme://user:pw@host`: nothing but user-info between the
          // '://' and the '@' (an address in a query string still counts).
          const head = text.slice(Math.max(0, start - 300), at);
          const scheme = head.lastIndexOf('://');
          const userInfo =
            scheme !== -1 && !/[\s/?#&=]/.test(head.slice(scheme + 3));
          const gitRemote =
            text[end] === ':' && /^git$/i.test(text.slice(start, at));
          if (!userInfo && !gitRemote) {
            found.push({
              type: 'EMAIL',
              start,
              end,
              confidence: 0.95,
              detector: 'email',
            });
          }
          at = text.indexOf('@', end);
        } else {
          at = text.indexOf('@', at + 1);
        }
      }
      return found;
    },
  };
}
