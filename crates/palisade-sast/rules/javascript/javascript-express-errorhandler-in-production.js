import errorhandler from "errorhandler";

// ruleid: javascript-express-errorhandler-in-production
app.use(errorhandler());
if (process.env.NODE_ENV === "development") {
  // ok: javascript-express-errorhandler-in-production
  app.use(errorhandler());
}
