using System.Diagnostics;
using System.Security.Cryptography;

class A {
    void Run(string cmd) {
        // ruleid: cs-process
        Process.Start(cmd);
        // ok: cs-process
        Process.GetCurrentProcess();
        // ruleid: cs-md5
        var h = MD5.Create();
        // ok: cs-md5
        var s = SHA256.Create();
    }
}
