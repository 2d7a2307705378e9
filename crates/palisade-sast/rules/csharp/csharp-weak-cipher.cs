using System.Security.Cryptography;

class C {
    void Make() {
        // ruleid: csharp-weak-cipher
        var a = TripleDES.Create();
        // ok: csharp-weak-cipher
        var b = new AesGcm(key, 16);
    }
}
