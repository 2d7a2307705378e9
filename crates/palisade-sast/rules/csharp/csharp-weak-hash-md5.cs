using System.Security.Cryptography;

class H {
    byte[] Sum(byte[] d) {
        // ruleid: csharp-weak-hash-md5
        var a = MD5.HashData(d);
        // ok: csharp-weak-hash-md5
        var b = SHA256.HashData(d);
        return a;
    }
}
