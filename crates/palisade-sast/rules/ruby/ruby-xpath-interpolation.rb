class Users
  def find(doc, name)
    # ruleid: ruby-xpath-interpolation
    doc.xpath("//user[@name='#{name}']")
    # ok: ruby-xpath-interpolation
    doc.xpath("//user[@name=$name]", nil, name: name)
  end
end
