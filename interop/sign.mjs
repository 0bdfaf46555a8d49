#!/usr/bin/env node
// Signs credentials with the Digital Bazaar stack (DataIntegrityProof,
// eddsa-rdfc-2022, Ed25519 Multikey), offline, so Laurel can show that it
// verifies what an independent implementation signs.
//
// stdin: one job, or {"jobs": [job, ...]}.
//   job = {credential, verificationMethod: "<controller>#<key id>",
//          key: {seed: <64 hex chars>} | {publicKeyMultibase, secretKeyMultibase},
//          created?: ISO date, proofArray?: bool}
//   The controller is the part of verificationMethod before "#".
//   proofArray wraps the proof in a one-element array (the OB 3.0 JSON schema
//   wants `proof` as an array; the signature is the same either way).
// stdout: the signed credential, or {"results": [{credential} | {error}, ...]}
//   for a job list (each result also gives the key's publicKeyMultibase).
//   Exit 2 with {"error": "..."} when a single job fails.

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as vc from '@digitalbazaar/vc';

import {loadContexts, offlineLoader} from './loader.mjs';
import {fail, readInput, reply} from './stdio.mjs';

async function keyPairFor({key, verificationMethod}) {
  if(!key || typeof key !== 'object') {
    throw new TypeError('job needs a "key" object');
  }
  if(typeof verificationMethod !== 'string' || !verificationMethod.includes('#')) {
    throw new TypeError('"verificationMethod" must be "<controller>#<key id>"');
  }
  const controller = verificationMethod.slice(0, verificationMethod.indexOf('#'));
  if(key.seed !== undefined) {
    if(!/^[0-9a-fA-F]{64}$/.test(key.seed)) {
      throw new TypeError('"key.seed" must be 32 bytes as 64 hex characters');
    }
    const seed = Uint8Array.from(Buffer.from(key.seed, 'hex'));
    return Ed25519Multikey.generate({seed, id: verificationMethod, controller});
  }
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: verificationMethod,
    controller,
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase,
  });
}

async function signJob(job, contexts) {
  if(!job.credential || typeof job.credential !== 'object') {
    throw new TypeError('job has no "credential" object');
  }
  const keyPair = await keyPairFor(job);
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: eddsaRdfc2022,
    date: job.created,
  });
  const signed = await vc.issue({
    credential: structuredClone(job.credential),
    suite,
    documentLoader: offlineLoader({contexts}),
  });
  if(job.proofArray && !Array.isArray(signed.proof)) {
    signed.proof = [signed.proof];
  }
  return {signed, publicKeyMultibase: keyPair.publicKeyMultibase};
}

async function main() {
  const input = readInput();
  if(!input || typeof input !== 'object') {
    fail('input must be a JSON object (a job or {"jobs": [...]})');
  }
  const contexts = loadContexts(input.contextsDir);
  if(Array.isArray(input.jobs)) {
    const results = [];
    for(const job of input.jobs) {
      try {
        const {signed, publicKeyMultibase} = await signJob(job ?? {}, contexts);
        results.push({credential: signed, publicKeyMultibase});
      } catch(e) {
        results.push({error: e.message});
      }
    }
    reply({results});
    return;
  }
  let signed;
  try {
    ({signed} = await signJob(input, contexts));
  } catch(e) {
    fail(`could not sign: ${e.message}`);
  }
  reply(signed);
}

main().catch(e => fail(`signer crashed: ${e.message}`));
