// kube-controller-manager's serviceaccount-token controller (pkg/controller/serviceaccount/
// tokens_controller.go): a Secret of type kubernetes.io/service-account-token that names a
// ServiceAccount in its `kubernetes.io/service-account.name` annotation gets the account's uid
// annotation and `data.token` (a legacy JWT), `data.ca.crt` and `data.namespace`. A token Secret
// whose ServiceAccount is missing (or has another uid than the Secret records) is deleted, and so
// is every token Secret of a ServiceAccount when it is deleted. Since 1.24 (and GA since 1.29's
// LegacyServiceAccountTokenNoAutoGeneration) it never makes Secrets for accounts on its own.
//
// Upstream runs it with kube-controller-manager's root credentials, not a service account of its
// own (its tokens were once what the other controllers authenticated with): so it acts as
// system:kube-controller-manager, whose bootstrap role grants get/update/delete on secrets.
import type { Secret, ServiceAccount } from '../../machinery/api-types.js';
import { isNotFound, isConflict } from '../../client/local-client.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';

export const serviceAccountTokenType = 'kubernetes.io/service-account-token';
export const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name';
export const serviceAccountUidAnnotation = 'kubernetes.io/service-account.uid';

export const tokensController: ControllerDefinition = {
  name: 'serviceaccount-token',
  rootCredentials: true,
  start: (ctx) => startTokensController(ctx),
};

// Keys of the one work queue: a Secret to fill or delete, or a deleted ServiceAccount (with the
// uid it had, since a new one of the same name may already exist) whose Secrets must go.
const secretKey = (ns: string, name: string) => `secret/${ns}/${name}`;
const deletedAccountKey = (ns: string, name: string, uid: string) => `serviceaccount/${ns}/${name}/${uid}`;

function startTokensController(ctx: ControllerContext) {
  const generator = ctx.legacyTokens;
  if (!generator) {
    // Upstream refuses to start this controller without --service-account-private-key-file.
    ctx.log.info('no service-account signing key: token secrets are not filled');
    return { stop() {} };
  }
  const secrets = ctx.informers.forResource<Secret>('', 'v1', 'secrets');
  const accounts = ctx.informers.forResource<ServiceAccount>('', 'v1', 'serviceaccounts');
  const secretClient = ctx.client.resource<Secret>('', 'v1', 'secrets');
  const accountClient = ctx.client.resource<ServiceAccount>('', 'v1', 'serviceaccounts');
  const caData = ctx.rootCaPem === undefined ? undefined : Buffer.from(ctx.rootCaPem).toString('base64');

  /** The account a Secret names, if it exists with the uid the Secret records (a cache miss asks the API: the Secret may be newer than our copy of the account). */
  const accountFor = async (ns: string, name: string, uid: string | undefined): Promise<ServiceAccount | undefined> => {
    const matches = (sa: ServiceAccount | undefined) => sa !== undefined && (!uid || sa.metadata?.uid === uid);
    const cached = accounts.getByName(ns, name);
    if (matches(cached)) return cached;
    const live = await accountClient.find(ns, name);
    return matches(live) ? live : undefined;
  };

  const deleteSecret = async (secret: Secret): Promise<void> => {
    try {
      await secretClient.delete(secret.metadata?.namespace, secret.metadata?.name ?? '', { preconditions: { uid: secret.metadata?.uid } });
    } catch (err) {
      // Gone already, or replaced by a newer Secret of the same name (which gets its own look).
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const syncSecret = async (ns: string, name: string): Promise<void> => {
    const secret = secrets.getByName(ns, name);
    if (!secret || secret.type !== serviceAccountTokenType || secret.metadata?.deletionTimestamp) return;
    const annotations = secret.metadata?.annotations ?? {};
    const sa = await accountFor(ns, annotations[serviceAccountNameAnnotation] ?? '', annotations[serviceAccountUidAnnotation]);
    if (!sa) return deleteSecret(secret);
    const saUid = sa.metadata?.uid ?? '';
    const data = secret.data ?? {};
    const needsToken = !data.token;
    const needsCa = caData !== undefined && data['ca.crt'] !== caData;
    const needsNamespace = data.namespace !== Buffer.from(ns).toString('base64');
    const needsUid = annotations[serviceAccountUidAnnotation] !== saUid;
    if (!needsToken && !needsCa && !needsNamespace && !needsUid) return;
    const token = needsToken
      ? Buffer.from(await generator.generateLegacyToken({ namespace: ns, serviceAccountName: sa.metadata?.name ?? '', serviceAccountUid: saUid, secretName: name })).toString('base64')
      : undefined;
    try {
      await secretClient.mutate(ns, name, (current) => {
        // Another Secret of the same name, or one someone filled meanwhile: keep what it holds.
        if (current.metadata?.uid !== secret.metadata?.uid) return current;
        const d = { ...current.data };
        if (!d.token && token) d.token = token;
        if (caData !== undefined) d['ca.crt'] = caData;
        d.namespace = Buffer.from(ns).toString('base64');
        return { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, [serviceAccountUidAnnotation]: saUid } }, data: d };
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  /** deleteTokens: the Secrets of an account that is gone (those recording another uid belong to another). */
  const syncDeletedAccount = async (ns: string, name: string, uid: string): Promise<void> => {
    if (accounts.getByName(ns, name)?.metadata?.uid === uid) return;
    for (const secret of secrets.list(ns)) {
      const a = secret.metadata?.annotations ?? {};
      if (secret.type !== serviceAccountTokenType || a[serviceAccountNameAnnotation] !== name) continue;
      if (a[serviceAccountUidAnnotation] && a[serviceAccountUidAnnotation] !== uid) continue;
      await deleteSecret(secret);
    }
  };

  const loop = ctx.reconcileLoop(async (key) => {
    const [kind, ns = '', name = '', uid = ''] = key.split('/');
    if (kind === 'secret') await syncSecret(ns, name);
    else await syncDeletedAccount(ns, name, uid);
  });

  const secretChanged = (s: Secret) => s.type === serviceAccountTokenType && loop.enqueue(secretKey(s.metadata?.namespace ?? '', s.metadata?.name ?? ''));
  secrets.addHandler({ onAdd: secretChanged, onUpdate: (_o, s) => secretChanged(s) });
  accounts.addHandler({
    onDelete: (sa) => loop.enqueue(deletedAccountKey(sa.metadata?.namespace ?? '', sa.metadata?.name ?? '', sa.metadata?.uid ?? '')),
    // A Secret's account may be replaced under the same name: its Secrets must be looked at again.
    onUpdate: (old, sa) => {
      if (old.metadata?.uid !== sa.metadata?.uid) loop.enqueue(deletedAccountKey(old.metadata?.namespace ?? '', old.metadata?.name ?? '', old.metadata?.uid ?? ''));
    },
  });
  return loop;
}
