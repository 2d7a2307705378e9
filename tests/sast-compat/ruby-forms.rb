# ruleid: ruby-keyword-argument
Faraday.new(url, verify: false, ssl: opts)
# ruleid: ruby-keyword-argument
Faraday.new(url, ssl: opts, verify: false, timeout: 3)
# ok: ruby-keyword-argument
Faraday.new(url, ssl: opts, verify: true)
