using System.Runtime.Serialization.Formatters.Binary;

class Store {
    object Load(Stream s) {
        // ruleid: csharp-binaryformatter
        var f = new BinaryFormatter();
        // ok: csharp-binaryformatter
        var o = JsonSerializer.Deserialize<Settings>(s);
        return f.Deserialize(s);
    }
}
