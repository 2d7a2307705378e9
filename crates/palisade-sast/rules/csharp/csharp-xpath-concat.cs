using System.Xml;

class Users {
    XmlNode Find(XmlDocument doc, string name) {
        // ruleid: csharp-xpath-concat
        var a = doc.SelectSingleNode("//user[@name='" + name + "']");
        // ok: csharp-xpath-concat
        var b = doc.SelectSingleNode("//user[@active='true']");
        return a;
    }
}
