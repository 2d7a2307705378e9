using System.Diagnostics;
using System.Security.Cryptography;
using Hash = System.Security.Cryptography.SHA1;

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
        // ruleid: cs-using-alias
        var a = Hash.Create();
    }
}
