class Tools
  def ping(host)
    # ruleid: ruby-command-interpolation
    system("ping -c 1 #{host}")
    # ruleid: ruby-command-interpolation
    out = `nslookup #{host}`
    # ok: ruby-command-interpolation
    system("ping", "-c", "1", host)
  end
end
