import cors from "cors";

// ruleid: javascript-cors-any-origin
app.use(cors({ origin: true, credentials: true }));
// ok: javascript-cors-any-origin
app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
