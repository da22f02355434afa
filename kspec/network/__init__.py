"""The pod network (CNI) component and NetworkPolicy evaluation."""
