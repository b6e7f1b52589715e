print("pqscout")
