class Directory
  def find(ldap, user)
    # ruleid: ruby-ldap-filter-interpolation
    ldap.search(base: "dc=example,dc=com", filter: "(uid=#{user})")
    # ok: ruby-ldap-filter-interpolation
    ldap.search(base: "dc=example,dc=com", filter: Net::LDAP::Filter.eq("uid", user))
  end
end
