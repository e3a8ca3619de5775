SPLIT_SEEDS = {}
def generate_set(split, count):
    raise NotImplementedError
