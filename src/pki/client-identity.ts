// Who a client certificate says its holder is, read the way kube-apiserver's x509 authenticator
// reads it: the user is the subject's common name, the groups are its organizations.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface ClientIdentity {
  user: string;
  groups: string[];
}

/** CN and O of a DER certificate (as from TLSSocket.getPeerCertificate().raw). Throws if it does not parse. */
export function clientCertificateIdentity(certDer: Uint8Array): ClientIdentity {
  const subject = new x509.X509Certificate(certDer).subjectName;
  const commonNames = subject.getField('CN');
  // Go keeps the last CN of the sequence and every O in order.
  return { user: commonNames[commonNames.length - 1] ?? '', groups: subject.getField('O') };
}
