#!/usr/bin/env node
// Verifies credentials with @digitalcredentials/verifier-core, the engine of the
// Learner Credential Wallet and VerifierPlus, as a wallet would, but offline.
//
// verifier-core resolves did:web documents, status lists, unknown contexts and
// JSON schemas over HTTPS only, with fetch. Before it is loaded, fetch is
// replaced by one that answers from the job's documents, the contexts Laurel
// ships (laurel/vc/contexts/) and the OB 3.0 schemas (laurel/vc/schemas/), and
// answers 404 to anything else: the network is never reached, and a test
// never passes because something was fetched.
//
// stdin: {"jobs": [job, ...]}
//   job = {credential, web?: {"https://...": document}}
//   (a did:web's document under its https://host/path/did.json URL)
// stdout: {"results": [{log: [{id, valid, error}], errors: [{name, message}],
//   schema: [{schema, valid, errors}], requested: [url]}, ...]}
//   Exit 2 with {"error": "..."} on unreadable input.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {loadContexts} from './loader.mjs';
import {fail, readInput, reply} from './stdio.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMAS_DIR = join(HERE, '..', 'laurel', 'vc', 'schemas');
const OB_SCHEMAS = {
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json':
    'ob_v3p0_achievementcredential_schema.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json':
    'ob_v3p0_endorsementcredential_schema.json',
};

function shipped() {
  const documents = new Map(loadContexts());
  for(const [url, file] of Object.entries(OB_SCHEMAS)) {
    documents.set(url, JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')));
  }
  return documents;
}

// What the job being verified may fetch, and what it asked for.
const current = {web: {}, requested: []};

function installFetch(documents) {
  globalThis.fetch = async function offlineFetch(input) {
    const url = typeof input === 'string' ? input : (input.url ?? String(input));
    current.requested.push(url);
    const document = Object.hasOwn(current.web, url) ?
      current.web[url] : documents.get(url);
    if(document === undefined) {
      return new Response('not served offline', {
        status: 404, headers: {'content-type': 'text/plain'}
      });
    }
    return new Response(JSON.stringify(document), {
      status: 200, headers: {'content-type': 'application/json'}
    });
  };
}

function describe(result) {
  const log = (result.log ?? []).map(({id, valid, error}) => ({
    id, valid: valid ?? null,
    error: error ? {name: error.name, message: error.message} : null,
  }));
  const errors = (result.errors ?? []).map(({name, message}) => ({name, message}));
  const schemaEntry = (result.additionalInformation ?? [])
    .find(entry => entry.id === 'schema_check');
  const schema = Array.isArray(schemaEntry?.results) ?
    schemaEntry.results.map(({schema, result: r}) => ({
      schema, valid: r?.valid ?? null,
      errors: (r?.errors ?? []).map(e => `${e.instancePath} ${e.message}`),
    })) : [];
  return {log, errors, schema};
}

async function main() {
  const input = readInput();
  if(!input || !Array.isArray(input.jobs)) {
    fail('input must be {"jobs": [...]}');
  }
  installFetch(shipped());
  const {verifyCredential} = await import('@digitalcredentials/verifier-core');
  const results = [];
  for(const job of input.jobs) {
    current.web = job?.web ?? {};
    current.requested = [];
    const result = await verifyCredential({
      credential: job?.credential, knownDIDRegistries: [],
    });
    results.push({...describe(result), requested: [...new Set(current.requested)]});
  }
  reply({results});
}

main().catch(e => fail(`verifier crashed: ${e.message}`));
