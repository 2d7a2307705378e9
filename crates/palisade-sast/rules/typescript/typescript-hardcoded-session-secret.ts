import session from "express-session";

// ruleid: typescript-hardcoded-session-secret
app.use(session({ secret: "keyboard cat", resave: false, saveUninitialized: false }));
// ok: typescript-hardcoded-session-secret
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
