// A standard automerge-repo 2.5 peer (npm @automerge/automerge-repo and its WebSocket adapter)
// that knows a register's id and secret: it finds the register through the relay, checks it is
// that register, renames the unit, waits until the relay has the change, and prints the
// register's id and new unit name as JSON.
//
//   node relay/interop/peer.mjs ws://127.0.0.1:8080/sync <register id> <secret> <new unit name>
import { ImmutableString, Repo, stringifyAutomergeUrl } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';

const [relay, registerId, secret, name] = process.argv.slice(2);
const deadline = setTimeout(() => {
  console.error('TIMEOUT');
  process.exit(3);
}, 20000);

// automerge-repo names a document by the bs58check of 16 bytes; Qingfeng's register id is a
// UUID, and its document id is the UUID's bytes.
const uuid = Uint8Array.from(registerId.replace(/-/g, '').match(/../g).map((h) => parseInt(h, 16)));
const url = stringifyAutomergeUrl({ documentId: uuid });
const documentId = url.slice('automerge:'.length);

const adapter = new WebSocketClientAdapter(relay, 1000);
// The relay serves a register only to a peer that gives its secret first; registered before the
// Repo's own listener, so the access message goes out before any request.
adapter.on('peer-candidate', () => adapter.send({ type: 'qingfeng-auth', documentId, secret }));
const repo = new Repo({ network: [adapter] });

try {
  const handle = await repo.find(url);
  // Qingfeng writes plain strings as Automerge scalar strings (ImmutableString in JS).
  const text = (value) => String(value);
  const doc = handle.doc();
  if (text(doc.id) !== registerId) throw new Error(`found ${text(doc.id)}, not register ${registerId}`);
  handle.change((d) => {
    d.unit.name = new ImmutableString(name);
  });
  // Until the relay has the change: it answers with heads that include ours.
  await new Promise((r) => setTimeout(r, 1500));
  console.log(JSON.stringify({ id: text(handle.doc().id), unit: text(handle.doc().unit.name), documentId }));
} catch (e) {
  console.error('ERROR', e?.message ?? e);
  process.exit(2);
}
clearTimeout(deadline);
await repo.shutdown();
process.exit(0);
