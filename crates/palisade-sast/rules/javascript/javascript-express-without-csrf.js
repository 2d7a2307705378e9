import express from "express";
import cookieParser from "cookie-parser";
import csurf from "csurf";

function insecure() {
  const app = express();
  // ruleid: javascript-express-without-csrf
  app.use(cookieParser());
  app.post("/transfer", transfer);
}

function secure() {
  const app = express();
  // ok: javascript-express-without-csrf
  app.use(cookieParser());
  app.use(csurf({ cookie: true }));
  app.post("/transfer", transfer);
}
