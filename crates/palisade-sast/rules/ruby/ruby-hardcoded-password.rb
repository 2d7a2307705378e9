# ruleid: ruby-hardcoded-password
ActiveRecord::Base.establish_connection(adapter: "postgresql", host: "db", username: "app", password: "Winter2024!")
# ok: ruby-hardcoded-password
ActiveRecord::Base.establish_connection(adapter: "postgresql", host: "db", username: "app", password: ENV.fetch("DB_PASSWORD"))
