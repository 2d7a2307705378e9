using System;
using System.Security.Cryptography;

class Tokens {
    string Reset() {
        // ruleid: csharp-insecure-random-secret
        var resetToken = new Random().Next().ToString("x");
        // ok: csharp-insecure-random-secret
        var resetToken2 = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        // ok: csharp-insecure-random-secret
        var jitter = Random.Shared.Next(100);
        return resetToken;
    }
}
