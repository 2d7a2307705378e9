using System.Security.Cryptography;

class H {
    byte[] Sum(byte[] d) {
        // ruleid: csharp-weak-hash-sha1
        var a = SHA1.HashData(d);
        // ok: csharp-weak-hash-sha1
        var b = SHA256.HashData(d);
        return a;
    }
}
