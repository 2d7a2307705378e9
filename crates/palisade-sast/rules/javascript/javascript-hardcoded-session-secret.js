import session from "express-session";

// ruleid: javascript-hardcoded-session-secret
app.use(session({ secret: "keyboard cat", resave: false, saveUninitialized: false }));
// ok: javascript-hardcoded-session-secret
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
