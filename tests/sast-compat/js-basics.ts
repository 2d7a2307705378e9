import { createHash } from "crypto";
import * as crypto from "crypto";

// ruleid: js-es-import
const h: string = crypto.createHash("md5").digest("hex");
// ruleid: js-es-import
createHash("md5");
// ok: js-es-import
crypto.createHash("sha512");
