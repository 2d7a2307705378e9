import errorhandler from "errorhandler";

// ruleid: typescript-express-errorhandler-in-production
app.use(errorhandler());
if (process.env.NODE_ENV === "development") {
  // ok: typescript-express-errorhandler-in-production
  app.use(errorhandler());
}
