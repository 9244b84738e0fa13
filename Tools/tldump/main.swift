print("tldump")
