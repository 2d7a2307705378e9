import cors from "cors";

// ruleid: typescript-cors-any-origin
app.use(cors({ origin: true, credentials: true }));
// ok: typescript-cors-any-origin
app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
