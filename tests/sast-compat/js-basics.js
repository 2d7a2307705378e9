const cp = require('child_process');
const { exec: run } = require("child_process");
import * as crypto from 'crypto';

// ruleid: js-require-alias
cp.exec("ls " + dir);
// ruleid: js-require-alias
run(cmd);
// ok: js-require-alias
cp.execFile("ls", [dir]);

// ruleid: js-es-import
crypto.createHash('md5');
// ok: js-es-import
crypto.createHash("sha256");

// ruleid: js-metavar
el.innerHTML = userInput;
// ok: js-metavar
el.textContent = userInput;

// ruleid: js-not-string
eval(code);
// ok: js-not-string
eval("1 + 1");
