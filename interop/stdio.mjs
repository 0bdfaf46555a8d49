// What the interop scripts share: one JSON object in on stdin, one JSON line out on
// stdout, and on input they cannot read, {"error": "..."} and exit 2.
import {readFileSync} from 'node:fs';

export function reply(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function fail(message) {
  reply({error: message});
  process.exit(2);
}

// The JSON on stdin; fail()s when it is not JSON.
export function readInput() {
  try {
    return JSON.parse(readFileSync(0, 'utf8'));
  } catch(e) {
    fail(`input is not JSON: ${e.message}`);
  }
}
