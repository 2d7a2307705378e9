# ruleid: ruby-eval
eval(params[:code])
# ok: ruby-eval
evaluate(params[:code])
# ruleid: ruby-system
system("ls -l")
# ok: ruby-system
system("ls #{dir}")
# ok: ruby-system
system(cmd, dir)
