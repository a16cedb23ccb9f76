// Manual interop check driven by check.sh: standard @automerge/automerge-repo peers through qingfeng-relay.
import { Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

const [mode, docUrl, value] = process.argv.slice(2)
const relay = process.env.RELAY_URL
const secret = process.env.DOC_SECRET ?? "interop-secret"
const adapter = new WebSocketClientAdapter(relay)
// Qingfeng's relay serves a document only to peers that give its secret, in an access message
// sent before the first sync; registered before the Repo's own listener, so it goes first.
const ids = []
adapter.on("peer-candidate", () => {
  for (const documentId of ids) adapter.send({ type: "qingfeng-auth", documentId, secret })
})
const repo = new Repo({ network: [adapter] })
const sleep = ms => new Promise(r => setTimeout(r, ms))
const deadline = setTimeout(() => { console.error("TIMEOUT"); process.exit(3) }, 15000)

try {
  if (docUrl) ids.push(docUrl.replace("automerge:", ""))
  if (mode === "create") {
    const handle = repo.create({ title: "清风 from JS" })
    ids.push(handle.documentId)
    if (adapter.remotePeerId) adapter.send({ type: "qingfeng-auth", documentId: handle.documentId, secret })
    await repo.networkSubsystem.whenReady()
    await sleep(1000)
    console.log(handle.url)
  } else if (mode === "find") {
    const handle = await repo.find(docUrl)
    console.log(JSON.stringify(handle.doc()))
  } else if (mode === "edit") {
    const handle = await repo.find(docUrl)
    handle.change(d => { d.title = value })
    await sleep(1000)
    console.log(JSON.stringify(handle.doc()))
  } else if (mode === "watch") {
    // find, then wait until the title changes to `value` via the relay
    const handle = await repo.find(docUrl)
    while (handle.doc().title !== value) await sleep(50)
    console.log("saw", JSON.stringify(handle.doc()))
  }
} catch (e) {
  console.error("ERROR", e?.message ?? e)
  process.exit(2)
}
clearTimeout(deadline)
await repo.shutdown()
process.exit(0)
