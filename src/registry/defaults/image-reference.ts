// The tag of a container image reference, as kube-apiserver reads it to default imagePullPolicy
// (k8s.io/kubernetes/pkg/util/parsers.ParseImageName over github.com/distribution/reference).
// Only the outcome matters here: "latest" (written, or implied by a reference with neither tag nor
// digest) pulls Always; anything else, including a reference that does not parse, IfNotPresent.

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const host = `(?:${domainName}|\\[(?:[a-fA-F0-9:]+)\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const name = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const referencePattern = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const hexIdentifier = /^[a-f0-9]{64}$/;
const nameTotalLengthMax = 255;

const digestLengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function validDigest(value: string): boolean {
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  const length = Object.hasOwn(digestLengths, algorithm) ? digestLengths[algorithm] : undefined;
  return length !== undefined && encoded.length === length && /^[a-f0-9]+$/.test(encoded);
}

/** Prefixes docker.io (and library/ for single-segment names) as ParseNormalizedNamed does. */
function normalize(image: string): { full: string; remainder: string } {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (isDomain) return { full: image, remainder: image.slice(slash + 1) };
  const remainder = slash < 0 ? `library/${image}` : image;
  return { full: `docker.io/${remainder}`, remainder };
}

/**
 * The tag the reference resolves to: its explicit tag, "latest" when it has neither tag nor
 * digest, "" when it is pinned by digest only or cannot be parsed at all.
 */
export function imageTag(image: string): string {
  if (image === '' || hexIdentifier.test(image)) return '';
  const { full, remainder } = normalize(image);
  const colon = remainder.indexOf(':');
  const repository = colon < 0 ? remainder : remainder.slice(0, colon);
  if (repository.toLowerCase() !== repository) return '';
  const match = referencePattern.exec(full);
  if (!match || match[1]!.length > nameTotalLengthMax) return '';
  const explicitTag = match[2] ?? '';
  const pinned = match[3];
  if (pinned !== undefined && !validDigest(pinned)) return '';
  if (explicitTag === '' && pinned === undefined) return 'latest';
  return explicitTag;
}

/** imagePullPolicy (and an image volume's pullPolicy) when the client left it empty. */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  return typeof image === 'string' && imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}
