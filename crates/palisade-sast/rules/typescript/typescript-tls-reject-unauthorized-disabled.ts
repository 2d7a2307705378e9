import https from "https";

// ruleid: typescript-tls-reject-unauthorized-disabled
const insecure = new https.Agent({ rejectUnauthorized: false });
// ok: typescript-tls-reject-unauthorized-disabled
const pinned = new https.Agent({ ca: internalCa, rejectUnauthorized: true });
