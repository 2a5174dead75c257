// Who a client certificate says its holder is, read the way kube-apiserver's x509 authenticator
// reads it: the user is the subject's common name, the groups are its organizations.
import { X509Certificate } from 'node:crypto';

export interface ClientIdentity {
  user: string;
  groups: string[];
}

/** CN and O of a DER certificate (as from TLSSocket.getPeerCertificate().raw). Throws if it does not parse. */
export function clientCertificateIdentity(certDer: Uint8Array): ClientIdentity {
  // Node renders the subject one attribute per line, in certificate order, escaping special characters.
  const attributes = new X509Certificate(certDer).subject.split('\n').map((line) => {
    const eq = line.indexOf('=');
    return { key: line.slice(0, eq), value: unescapeDn(line.slice(eq + 1)) };
  });
  const commonNames = attributes.filter((a) => a.key === 'CN').map((a) => a.value);
  // Go keeps the last CN of the sequence and every O in order.
  return { user: commonNames[commonNames.length - 1] ?? '', groups: attributes.filter((a) => a.key === 'O').map((a) => a.value) };
}

function unescapeDn(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
