// A real Bluesky PDS (with its own PLC directory) on loopback ports for the tests.
// Prints one JSON line {url, handle, did, password} (an app password) and stays up until
// stdin closes, so the test process that started it always takes it down with it.
import { TestNetworkNoAppView } from '@atproto/dev-env'

const network = await TestNetworkNoAppView.create({
  pds: { hostname: 'localhost', blobUploadLimit: 1_000_000 },
})
const agent = network.pds.getAgent()
const handle = 'glimmer.test'
await agent.createAccount({ handle, email: 'glimmer@example.org', password: 'account-password' })
const { data } = await agent.com.atproto.server.createAppPassword({ name: 'glimmer syndicate' })
process.stdout.write(JSON.stringify({
  url: network.pds.url, handle, did: agent.session.did, password: data.password,
}) + '\n')

process.stdin.resume()
process.stdin.on('end', async () => {
  await network.close()
  process.exit(0)
})
