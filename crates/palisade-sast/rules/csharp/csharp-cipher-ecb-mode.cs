using System.Security.Cryptography;

class C {
    void Make(Aes aes) {
        // ruleid: csharp-cipher-ecb-mode
        aes.Mode = CipherMode.ECB;
        // ok: csharp-cipher-ecb-mode
        aes.Mode = CipherMode.CBC;
    }
}
