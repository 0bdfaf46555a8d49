#!/usr/bin/env node
// Independent verifier: checks a credential with the Digital Bazaar stack
// (@digitalbazaar/vc + DataIntegrityProof + eddsa-rdfc-2022, safe mode on),
// its Bitstring Status List entries with
// @digitalcredentials/vc-bitstring-status-list, and its validity dates, all
// offline.
//
// stdin: one job, or {"jobs": [job, ...]} to verify many in one node start.
//   job = {credential, didDocuments?: {id: doc}, statusLists?: {url: credential},
//          now?: ISO date, proofOnly?: bool}
//   proofOnly checks the proof alone (no issuer/controller binding, no dates,
//   no status): the W3C vc-di-eddsa vector signs with a did:key that is not its
//   issuer.
// stdout: {verified, errors: [message], statusResults: [...], requested: [url]}
//   (or {"results": [...]} for a job list). Exit 0 when the input was a job,
//   whatever the verdict; exit 2 with {"error": "..."} on unreadable input.

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalcredentials/vc-bitstring-status-list';
import jsigs from 'jsonld-signatures';

import {loadContexts, offlineLoader} from './loader.mjs';
import {fail, readInput, reply} from './stdio.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

const STATUS_WORDS = {revocation: 'revoked', suspension: 'suspended'};

function newSuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
}

// Every message in an error tree (VerificationError nests its causes).
function messages(error, out = []) {
  if(!error) {
    return out;
  }
  if(Array.isArray(error)) {
    error.forEach(e => messages(e, out));
    return out;
  }
  if(error.errors) {
    messages(error.errors, out);
  } else if(error.message) {
    out.push(error.message);
  } else {
    out.push(String(error));
  }
  // jsonld.js keeps the document loader's own error under details.cause
  for(const cause of [error.cause, error.details?.cause]) {
    if(cause && cause !== error) {
      messages(cause, out);
    }
  }
  return out;
}

function collectErrors(result) {
  const found = messages(result.error);
  for(const r of result.results ?? []) {
    messages(r.error, found);
  }
  return unique(found);
}

function unique(values) {
  return [...new Set(values)];
}

function describeStatus(statusResult) {
  if(!statusResult) {
    return {statusResults: [], statusErrors: []};
  }
  const statusErrors = messages(statusResult.error);
  const statusResults = (statusResult.results ?? []).map(
    ({verified, credentialStatus: cs}) => {
      const purpose = cs.statusPurpose;
      if(!verified) {
        const word = STATUS_WORDS[purpose] ?? `"${purpose}" status set`;
        statusErrors.push(
          `credential is ${word}: bit ${cs.statusListIndex} of ` +
          `${cs.statusListCredential} is set`);
      }
      return {
        statusPurpose: purpose,
        statusListIndex: cs.statusListIndex,
        statusListCredential: cs.statusListCredential,
        set: !verified,
      };
    });
  return {statusResults, statusErrors};
}

async function verifyJob(job, contexts) {
  const requested = [];
  const documentLoader = offlineLoader({
    contexts,
    didDocuments: job.didDocuments,
    statusLists: job.statusLists,
    requests: requested,
  });
  if(!job.credential || typeof job.credential !== 'object') {
    return {verified: false, errors: ['job has no "credential" object'],
      statusResults: [], requested};
  }
  if(job.proofOnly) {
    const result = await jsigs.verify(job.credential, {
      suite: newSuite(), purpose: new AssertionProofPurpose(), documentLoader,
    });
    return {verified: result.verified, errors: collectErrors(result),
      statusResults: [], requested: unique(requested)};
  }
  const result = await vc.verifyCredential({
    credential: job.credential,
    suite: newSuite(),
    documentLoader,
    now: job.now,
    checkStatus: options => checkStatus({
      ...options, suite: newSuite(), documentLoader,
      verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true,
    }),
  });
  const {statusResults, statusErrors} = describeStatus(result.statusResult);
  return {
    verified: result.verified === true,
    errors: unique([...collectErrors(result), ...statusErrors]),
    statusResults,
    requested: unique(requested),
  };
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
      results.push(await verifyJob(job ?? {}, contexts));
    }
    reply({results});
  } else {
    reply(await verifyJob(input, contexts));
  }
}

main().catch(e => fail(`verifier crashed: ${e.message}`));
