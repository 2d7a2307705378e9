import https from "https";

// ruleid: javascript-tls-reject-unauthorized-disabled
const insecure = new https.Agent({ rejectUnauthorized: false });
// ok: javascript-tls-reject-unauthorized-disabled
const pinned = new https.Agent({ ca: internalCa, rejectUnauthorized: true });
