// An offline JSON-LD document loader for the Digital Bazaar stack.
//
// It serves only what it is given: the context files Laurel ships
// (laurel/vc/contexts/), the DID context and the security v2 context from npm
// packages, the controller documents (DID documents) of the job, did:key
// documents derived from the key itself, and the job's status list
// credentials. Anything else is refused: the independent verifier must never
// reach the network, and a test must never pass because something was fetched.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import didContext from 'did-context';
import securityContext from '@digitalbazaar/security-context';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_CONTEXTS_DIR = join(HERE, '..', 'laurel', 'vc', 'contexts');

// URL -> file name in laurel/vc/contexts/.
const CONTEXT_FILES = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2':
    'credentials-examples-v2.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'credentials-status-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json':
    'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'ob-v3p0-context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json':
    'ob-v3p0-extensions.json',
};

export function loadContexts(contextsDir = DEFAULT_CONTEXTS_DIR) {
  const contexts = new Map();
  for(const [url, file] of Object.entries(CONTEXT_FILES)) {
    contexts.set(url, JSON.parse(readFileSync(join(contextsDir, file), 'utf8')));
  }
  // Not shipped by Laurel: DID documents and jsonld-signatures' framing need
  // these two; they come from the pinned npm packages, not the network.
  contexts.set(didContext.CONTEXT_URL, didContext.CONTEXT);
  contexts.set(securityContext.SECURITY_CONTEXT_V2_URL,
    securityContext.contexts.get(securityContext.SECURITY_CONTEXT_V2_URL));
  return contexts;
}

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function splitFragment(url) {
  const hash = url.indexOf('#');
  return hash === -1 ? [url, null] : [url.slice(0, hash), url.slice(hash)];
}

// The verification method `url` inside `doc`, whether listed under
// verificationMethod or embedded in a verification relationship.
function findMethod(doc, url, fragment) {
  const candidates = [];
  for(const key of ['verificationMethod', 'assertionMethod', 'authentication',
    'publicKey']) {
    const values = doc[key] === undefined ? [] : [].concat(doc[key]);
    candidates.push(...values.filter(v => v && typeof v === 'object'));
  }
  const method = candidates.find(m => m.id === url || m.id === fragment);
  if(!method) {
    return null;
  }
  return {
    '@context': doc['@context'],
    ...method,
    id: url,
    controller: method.controller ?? doc.id,
  };
}

/**
 * Builds the loader for one job.
 *
 * @param {object} options - The job's documents.
 * @param {Map} options.contexts - Context URL -> context document.
 * @param {object} [options.didDocuments] - Controller id -> document.
 * @param {object} [options.statusLists] - Status list URL -> credential.
 * @param {Array} [options.requests] - Collects every URL asked for.
 *
 * @returns {Function} A jsonld.js document loader.
 */
export function offlineLoader({
  contexts, didDocuments = {}, statusLists = {}, requests = []
}) {
  return async function documentLoader(url) {
    requests.push(url);
    const result = document => ({contextUrl: null, documentUrl: url, document});
    if(contexts.has(url)) {
      return result(contexts.get(url));
    }
    if(Object.hasOwn(statusLists, url)) {
      return result(statusLists[url]);
    }
    const [base, fragment] = splitFragment(url);
    if(Object.hasOwn(didDocuments, base)) {
      const doc = didDocuments[base];
      if(!fragment) {
        return result(doc);
      }
      const method = findMethod(doc, url, fragment);
      if(!method) {
        throw new Error(`verification method "${url}" is not in its DID document`);
      }
      return result(method);
    }
    if(base.startsWith('did:key:')) {
      return result(await didKey.get({url}));
    }
    throw new Error(`document not available offline: "${url}"`);
  };
}
